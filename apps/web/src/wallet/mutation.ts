import { useMutation, useQueryClient } from '@tanstack/react-query';

/** A wallet action that refreshes the given queries when it succeeds. */
export function useWalletAction<TArg, TResult>(
  action: (arg: TArg) => Promise<TResult>,
  invalidate: readonly (readonly string[])[],
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: action,
    onSuccess: async () => {
      await Promise.all(invalidate.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    },
  });
}
