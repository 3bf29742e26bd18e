import type { MetaFunction } from "@remix-run/node";

export const meta: MetaFunction = () => [{ title: "智评 Zhiping" }];

export default function Index() {
  return (
    <main>
      <h1>智评 Zhiping</h1>
      <p>智能制造与数字化水平评估 · Smart-factory and digital-level assessment</p>
    </main>
  );
}
