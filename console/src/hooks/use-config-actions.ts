import { useMutation, useQueryClient } from "@tanstack/react-query";
import { previewRelease, publishRelease, rollbackRelease } from "../api/actions";

/** What a publish would change and whether it would be accepted. */
export function usePreviewRelease() {
  return useMutation({ mutationFn: previewRelease });
}

/** Publishes a release, then refreshes the config views. */
export function usePublishRelease() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: publishRelease,
    onSettled: () => client.invalidateQueries({ queryKey: ["config"] }),
  });
}

/** Rolls back to an older version, then refreshes the config views. */
export function useRollbackRelease() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: rollbackRelease,
    onSettled: () => client.invalidateQueries({ queryKey: ["config"] }),
  });
}
