import { useQuery } from "@tanstack/react-query";
import { servicesQuery } from "../api/queries";

export function useServices() {
  return useQuery(servicesQuery);
}
