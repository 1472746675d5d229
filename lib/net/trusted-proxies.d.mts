export type TrustedProxies = { has(address: string): boolean; empty: boolean };
export function normalizeAddress(value: string): string;
export function parseTrustedProxies(value: string | undefined): TrustedProxies;
