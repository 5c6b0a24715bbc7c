import { createAdminSession, deleteAdminSession } from '@sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { data } from '../../../lib/api';

export function useSignIn() {
  return useMutation({
    mutationFn: (token: string) => data(createAdminSession({ body: { token }, throwOnError: true })),
    meta: { quiet: true },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => data(deleteAdminSession({ throwOnError: true })),
    onSettled: () => queryClient.clear(),
  });
}
