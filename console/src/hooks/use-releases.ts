import { useQuery } from "@tanstack/react-query";
import { releasesQuery } from "../api/queries";

/** A namespace's releases, newest first. */
export function useReleases(namespace: string) {
  return useQuery(releasesQuery(namespace));
}
