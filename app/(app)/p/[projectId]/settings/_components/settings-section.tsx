import type { ReactNode } from "react";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";

export function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader title={title} description={description} />
      <CardBody className="space-y-4">{children}</CardBody>
    </Card>
  );
}
