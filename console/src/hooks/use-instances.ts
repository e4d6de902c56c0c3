import { useQuery } from "@tanstack/react-query";
import { instancesQuery } from "../api/queries";

/** Every registered instance and the eviction guard; only polled while `enabled` (e.g. while a row is open). */
export function useInstances(enabled = true) {
  return useQuery({ ...instancesQuery, enabled });
}
