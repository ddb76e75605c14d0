// Shared sample data for the Integrations and Connected apps parts' tests (oauth-client-card,
// connections, app-key-card): one saved OAuth client, what an app's setup asks of it, and a
// Connected apps row with whatever a test changes.

import type { ConnectionView, NeededProvider, ProviderView } from "./integration-views.ts"

export const AT = "2025-03-05T14:03:00.000Z"

export const crm: ProviderView = {
  providerKey: "acme-crm",
  displayName: "Acme CRM",
  clientId: "client-123",
  hasClientSecret: true,
  authorizationUrl: "https://crm.example.com/oauth/authorize",
  tokenUrl: "https://crm.example.com/oauth/token",
  revocationUrl: null,
  tokenAuthMethod: "client_secret_basic",
  authorizationParams: { access_type: "offline" },
  updatedAt: AT,
  updatedByName: "Ada",
  connectionCount: 3,
  lastConnectError: null,
}

export const neededCrm: NeededProvider = {
  providerKey: "acme-crm",
  suggestedName: "Acme CRM",
  configured: false,
  scopes: ["contacts.read", "deals.write"],
  authorizationUrl: "https://crm.example.com/authorize-from-app",
  tokenUrl: "https://crm.example.com/token-from-app",
  tokenAuthMethod: "client_secret_post",
  apps: [{ appId: "a".repeat(24), name: "Sales desk" }],
}

/** A provider's row on Connected apps: set up, not connected, needed by Sales desk, unless overridden. */
export const connection = (overrides: Partial<ConnectionView>): ConnectionView => ({
  providerKey: "acme-crm",
  displayName: "Acme CRM",
  configured: true,
  status: "not_connected",
  grantedScopes: [],
  requiredScopes: ["contacts.read", "deals.write"],
  missingScopes: [],
  connectedAt: null,
  lastRefreshAt: null,
  lastErrorCode: null,
  apps: [{ appId: "a".repeat(24), name: "Sales desk" }],
  ...overrides,
})
