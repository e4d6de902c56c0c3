import { useQuery } from "@tanstack/react-query";
import { instanceHistoryQuery } from "../api/queries";

/** One instance's status changes, newest first; polled while the history panel is open. */
export function useInstanceHistory(id: string) {
  return useQuery(instanceHistoryQuery(id));
}
