"use client";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { useToast } from "@/app/_components/ui/toast";
import { errorMessage } from "@/app/_lib/errors";

export function UserMenu({ name, email, isAdmin }: { name: string; email: string; isAdmin: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const toast = useToast();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: () => {
        // Nothing cached for this user may show to the next one on this browser.
        queryClient.clear();
        router.replace("/login");
        router.refresh();
      },
      onError: (err) => toast({ tone: "danger", title: "Could not log out", description: errorMessage(err) }),
    }),
  );
  return (
    <div className="flex items-center gap-3">
      <div className="hidden text-right leading-tight sm:block">
        <p className="text-sm font-medium" data-testid="current-user">
          {name}
          {isAdmin ? (
            <Badge tone="accent" className="ml-1.5">
              Instance admin
            </Badge>
          ) : null}
        </p>
        <p className="text-xs text-muted">{email}</p>
      </div>
      <Button size="sm" variant="secondary" busy={logout.isPending} onClick={() => logout.mutate()}>
        Log out
      </Button>
    </div>
  );
}
