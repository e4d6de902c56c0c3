import { useQuery } from "@tanstack/react-query";
import { journalQuery } from "../api/queries";

/** The monitor's fleet journal: its newest `limit` entries, polled. */
export function useJournal(limit: number) {
  return useQuery(journalQuery(limit));
}
