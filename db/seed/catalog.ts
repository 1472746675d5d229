import type { EventChannel, FieldType, UserRole } from "../schema";
import { weighted } from "./random";

/** The fixed part of the demo: who signs in, which teams exist, which databases and fields. */

export const demoPassword = "demo1234";

export const demoUsers: readonly { email: string; name: string; role: UserRole }[] = [
  { email: "admin@example.com", name: "Ada Admin", role: "admin" },
  { email: "lead@example.com", name: "Lee Lead", role: "lead" },
  { email: "marketer@example.com", name: "Mara Marketer", role: "marketer" },
];

/** Access groups by name, with their members' emails and whether each leads the group. */
export const demoAccessGroups: readonly { name: string; members: readonly { email: string; isLead: boolean }[] }[] = [
  {
    name: "Retail team",
    members: [
      { email: "lead@example.com", isLead: true },
      { email: "marketer@example.com", isLead: false },
    ],
  },
  { name: "Wholesale team", members: [{ email: "lead@example.com", isLead: true }] },
];

export type DemoField = { key: string; type: FieldType; label: string };

export const retailFields: readonly DemoField[] = [
  { key: "city", type: "string", label: "City" },
  { key: "loyalty_tier", type: "string", label: "Loyalty tier" },
  { key: "loyalty_points", type: "number", label: "Loyalty points" },
  { key: "birthday", type: "date", label: "Birthday" },
  { key: "last_order_at", type: "date", label: "Last order at" },
  { key: "vip", type: "boolean", label: "VIP" },
];

export const wholesaleFields: readonly DemoField[] = [
  { key: "company", type: "string", label: "Company" },
  { key: "country", type: "string", label: "Country" },
  { key: "annual_revenue", type: "number", label: "Annual revenue (EUR)" },
  { key: "contract_start", type: "date", label: "Contract start" },
  { key: "verified", type: "boolean", label: "Verified" },
];

export const retailDatabaseName = "Retail customers";
export const wholesaleDatabaseName = "Wholesale partners";

export type DatabaseKind = "retail" | "wholesale";

/** How the profiles of each demo database behave, beyond mailings. */
export const behaviour: Record<
  DatabaseKind,
  { buyerRate: number; amountMin: number; amountMax: number; appShare: number; maxPageViews: number }
> = {
  retail: { buyerRate: 0.62, amountMin: 5, amountMax: 300, appShare: 0.35, maxPageViews: 5 },
  wholesale: { buyerRate: 0.5, amountMin: 200, amountMax: 20_000, appShare: 0.05, maxPageViews: 2 },
};

/** How many of `total` demo profiles go to the wholesale database (the rest are retail). */
export function wholesaleShare(total: number): number {
  return Math.min(5_000, Math.ceil(total / 10));
}

/**
 * A mailing as the event generator sees it: when it went out, on which channel, and the share of
 * eligible profiles that got it, opened it and clicked it (nested: every clicker opened, except on
 * SMS where there is no open).
 */
export type DemoMailing = {
  name: string;
  channel: Extract<EventChannel, "email" | "sms" | "push">;
  daysAgo: number;
  delivered: number;
  opened: number;
  clicked: number;
};

const email = (name: string, daysAgo: number): DemoMailing => ({
  name,
  channel: "email",
  daysAgo,
  delivered: 0.5,
  opened: 0.2,
  clicked: 0.065,
});

export const retailMailings: readonly DemoMailing[] = [
  email("Spring sale", 340),
  email("Summer collection", 280),
  email("Back to school", 230),
  email("Autumn newsletter", 185),
  email("Black Friday deals", 135),
  email("Christmas gift guide", 110),
  email("New year offers", 75),
  email("Loyalty points reminder", 40),
  email("Weekly picks", 9),
  { name: "Flash sale (SMS)", channel: "sms", daysAgo: 20, delivered: 0.9, opened: 0, clicked: 0.08 },
  { name: "Back in stock (app push)", channel: "push", daysAgo: 5, delivered: 0.9, opened: 0.15, clicked: 0 },
];

export const wholesaleMailings: readonly DemoMailing[] = [
  email("Partner newsletter Q1", 250),
  email("Trade fair invitation", 150),
  email("Price list update", 60),
];

/** Share of bounces among the profiles a mailing was sent to (taken from the bottom of the draw). */
export const bounceRate = 0.012;

export const firstNames = [
  "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannah", "Isabel", "Jonas", "Karin", "Lukas",
  "Marie", "Noah", "Olivia", "Paul", "Quentin", "Rosa", "Sofia", "Tom", "Ursula", "Victor", "Wiebke", "Xavier",
  "Yasmin", "Zoë", "Ahmed", "Aylin", "Bogdan", "Chiara", "Dmitri", "Elif", "Fatima", "Giulia", "Hugo", "Ines",
  "José", "Katarzyna", "Leon", "Mia", "Nils", "Oskar", "Pia", "Rafael", "Sara", "Timo", "Lena", "Finn",
  "Amélie", "Mateo", "Lina", "Emil", "Nora", "Jakob", "Ida", "Milan", "Eva", "Samuel", "Leni", "Anton",
] as const;

export const lastNames = [
  "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
  "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
  "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Schmid", "Schulze",
  "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters",
  "Smith", "Jones", "García", "Rossi", "Dubois", "Kowalski", "Novák", "Jensen", "Yılmaz", "Silva",
  "O'Brien", "van der Berg", "Nguyen", "Popescu", "Horvat", "Andersson", "Costa", "Ivanova", "Lefèvre", "Nowak",
] as const;

export const emailDomains = weighted([
  ["example.net", 6],
  ["example.com", 3],
  ["example.org", 1],
]);

export const retailCities = weighted([
  ["Berlin", 16], ["Hamburg", 9], ["Munich", 8], ["Cologne", 6], ["Frankfurt", 5], ["Stuttgart", 4],
  ["Düsseldorf", 4], ["Leipzig", 3], ["Dresden", 3], ["Hanover", 3], ["Nuremberg", 3], ["Bremen", 2],
  ["Vienna", 4], ["Zurich", 3], ["Amsterdam", 3], ["Copenhagen", 2], ["Prague", 2], ["Warsaw", 2],
  ["Paris", 3], ["Milan", 2], ["Bergisch Gladbach", 1], ["Sankt Augustin", 1], ["Halle (Saale)", 1],
]);

export const loyaltyTiers = weighted([
  ["bronze", 50],
  ["silver", 28],
  ["gold", 15],
  ["platinum", 5],
  ["Gold", 1],
  ["SILVER", 1],
]);

export const companyStems = [
  "Nordwind", "Alpenblick", "Rheinland", "Elbtal", "Hansa", "Brightline", "Northgate", "Sunfield", "Bluewater",
  "Greenleaf", "Ironbridge", "Westwood", "Oakridge", "Silverline", "Redstone", "Clearview", "Highpoint",
  "Lakeside", "Stonebridge", "Fairway", "Kronen", "Sonnen", "Adler", "Falken", "Linden",
] as const;

export const companyKinds = weighted([
  ["Handel", 3], ["Logistik", 2], ["Trading", 3], ["Supplies", 2], ["Wholesale", 2], ["Distribution", 2],
  ["Import & Export", 1], ["Retail Group", 1],
]);

export const companySuffixes = weighted([
  ["GmbH", 5], ["AG", 1], ["GmbH & Co. KG", 2], ["Ltd", 2], ["B.V.", 1], ["S.A.R.L.", 1], ["S.r.l.", 1], ["", 1],
]);

export const wholesaleCountries = weighted([
  ["Germany", 10], ["Austria", 3], ["Switzerland", 2], ["Netherlands", 2], ["France", 2], ["Italy", 1],
  ["Poland", 1], ["Denmark", 1], ["germany", 1],
]);

export const pagePaths = weighted([
  ["/", 6], ["/sale", 3], ["/new-in", 3], ["/products/running-shoes", 2], ["/products/leather-bag", 2],
  ["/products/rain-jacket", 2], ["/products/wool-scarf", 1], ["/cart", 2], ["/checkout", 1], ["/account", 1],
  ["/stores/berlin", 1], ["/blog/summer-style-guide", 1], ["/help/returns", 1],
]);

export const phonePrefixes = weighted([
  ["+49 151 ", 3], ["+49 160 ", 2], ["+49 170 ", 2], ["+49 176 ", 2], ["+43 664 ", 1], ["+41 79 ", 1],
  ["+31 6 ", 1], ["0049 171 ", 1], ["0176-", 1],
]);
