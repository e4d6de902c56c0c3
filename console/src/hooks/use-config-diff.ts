import { useQuery } from "@tanstack/react-query";
import { diffQuery } from "../api/queries";

/** The changes between two versions; only fetched once both are chosen and differ. */
export function useConfigDiff(namespace: string, from: number | undefined, to: number | undefined) {
  return useQuery({
    ...diffQuery(namespace, from ?? 0, to ?? 0),
    enabled: from !== undefined && to !== undefined && from !== to,
  });
}
