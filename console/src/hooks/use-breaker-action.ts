import { useMutation, useQueryClient } from "@tanstack/react-query";
import { actOnBreaker } from "../api/actions";

/** Acts on one breaker, then refreshes that service's breakers. */
export function useBreakerAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: actOnBreaker,
    onSettled: (_data, _error, { service }) => client.invalidateQueries({ queryKey: ["breakers", service] }),
  });
}
