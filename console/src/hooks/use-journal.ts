import { useQuery } from "@tanstack/react-query";
import { journalQuery } from "../api/queries";

/** The monitor's fleet journal: its newest `limit` entries (of `type`, when given), polled. */
export function useJournal(limit: number, type?: string) {
  return useQuery(journalQuery(limit, type));
}
