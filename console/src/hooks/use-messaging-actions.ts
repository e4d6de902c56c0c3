import { useMutation, useQueryClient } from "@tanstack/react-query";
import { purgeDeadLetters, replayDeadLetters, requeueOutbox } from "../api/actions";

const refresh = (service: string) => ["messaging", service];

/** Replays dead letters, then refreshes that service's messaging views. */
export function useReplayDeadLetters() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: replayDeadLetters,
    onSettled: (_d, _e, { service }) => client.invalidateQueries({ queryKey: refresh(service) }),
  });
}

/** Purges a dead-letter queue, then refreshes that service's messaging views. */
export function usePurgeDeadLetters() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: purgeDeadLetters,
    onSettled: (_d, _e, { service }) => client.invalidateQueries({ queryKey: refresh(service) }),
  });
}

/** Requeues dead outbox rows, then refreshes that service's messaging views. */
export function useRequeueOutbox() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: requeueOutbox,
    onSettled: (_d, _e, { service }) => client.invalidateQueries({ queryKey: refresh(service) }),
  });
}
