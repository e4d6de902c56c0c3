import { useQuery } from "@tanstack/react-query";
import { namespacesQuery } from "../api/queries";

export function useNamespaces() {
  return useQuery(namespacesQuery);
}
