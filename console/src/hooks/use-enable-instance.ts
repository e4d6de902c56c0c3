import { useMutation, useQueryClient } from "@tanstack/react-query";
import { enableInstance } from "../api/actions";

/** Puts a drained instance back into rotation, then refreshes the registry views. */
export function useEnableInstance() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: enableInstance,
    onSettled: () => client.invalidateQueries({ queryKey: ["registry"] }),
  });
}
