import type { Metadata } from "next";
import { getCaller, requireMe, settle } from "@/server/http/rsc";
import { AccessDenied } from "@/app/_components/access-denied";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { UsersManager } from "./_components/users-manager";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage() {
  const { user } = await requireMe();
  if (!user.isAdmin) return <AccessDenied />;
  const caller = await getCaller();
  const first = await settle(caller.users.list({ limit: 100 }));
  return (
    <>
      <PageHeader
        title="Users"
        description="Accounts on this Loupe instance. There is no self sign-up: people get an account here, then a role in a project."
      />
      {first.ok ? (
        <UsersManager currentUserId={user.id} initialPage={first.data} />
      ) : (
        <Alert tone="danger">{first.message}</Alert>
      )}
    </>
  );
}
