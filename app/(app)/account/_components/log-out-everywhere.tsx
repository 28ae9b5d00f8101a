"use client";
/** Ends every session of the user, this one too (a lost laptop, a shared computer). */
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";

export function LogOutEverywhere() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const end = useMutation(
    trpc.auth.logoutEverywhere.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        router.replace("/login");
        router.refresh();
      },
    }),
  );
  return (
    <Card>
      <CardHeader
        title="Log out everywhere"
        description="Ends every session signed in as you, on every browser, this one included. API tokens keep working: revoke them on the tokens page."
      />
      <CardBody className="flex flex-col gap-3">
        {end.error ? <ErrorAlert error={end.error} /> : null}
        <div>
          <Button variant="danger" busy={end.isPending} onClick={() => end.mutate()}>
            Log out everywhere
          </Button>
        </div>
      </CardBody>
    </Card>
  );
}
