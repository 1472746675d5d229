/** The demo users the seed creates (see README); one stored login per role. */
export const personas = {
  admin: { email: "admin@example.com", name: "Ada Admin" },
  lead: { email: "lead@example.com", name: "Lee Lead" },
  marketer: { email: "marketer@example.com", name: "Mara Marketer" },
} as const;

export type Persona = keyof typeof personas;
export const demoPassword = "demo1234";
export const storageState = (persona: Persona) => `e2e/.auth/${persona}.json`;
