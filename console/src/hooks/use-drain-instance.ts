import { useMutation, useQueryClient } from "@tanstack/react-query";
import { drainInstance } from "../api/actions";

/** Drains an instance with a reason, then refreshes the registry views. */
export function useDrainInstance() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: drainInstance,
    onSettled: () => client.invalidateQueries({ queryKey: ["registry"] }),
  });
}
