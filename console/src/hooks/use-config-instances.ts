import { useQuery } from "@tanstack/react-query";
import { configInstancesQuery } from "../api/queries";

/** Which instance runs which version of a namespace. */
export function useConfigInstances(namespace: string) {
  return useQuery(configInstancesQuery(namespace));
}
