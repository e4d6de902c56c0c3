import { useQuery } from "@tanstack/react-query";
import { dlqQuery } from "../api/queries";

/** One consumer's dead letters; polled while the browser is open. */
export function useDeadLetters(service: string, consumer: string) {
  return useQuery(dlqQuery(service, consumer));
}
