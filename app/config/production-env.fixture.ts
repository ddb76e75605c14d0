// For tests of the web's configuration: a complete, valid production environment.

export const PRODUCTION_INTERNAL_TOKEN = "0123456789abcdef0123456789abcdef"

/** A complete, valid production environment; tests remove or break one thing at a time. */
export const productionEnv = {
  NODE_ENV: "production",
  SECOND_AUTH_MODE: "external",
  SECOND_PUBLIC_URL: "https://second.example.com",
  WORKER_URL: "http://worker:3001",
  MONGODB_URI: "mongodb://mongo:27017/second?replicaSet=rs0",
  REDIS_URL: "redis://redis:6379",
  INTERNAL_API_TOKEN: PRODUCTION_INTERNAL_TOKEN,
  SECOND_TOKEN_ENCRYPTION_KEY: "a".repeat(64),
  SECOND_OIDC_ISSUER: "https://login.example.com/realms/acme",
  SECOND_OIDC_CLIENT_ID: "second",
}
