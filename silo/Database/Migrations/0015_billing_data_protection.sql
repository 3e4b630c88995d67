-- Issue 14: the ASP.NET Core Data Protection key ring (console sign-in cookies, antiforgery tokens), shared by
-- every silo and gateway of the deployment, so a cookie issued by one replica is read by all, and survives restarts.
CREATE TABLE billing.data_protection_keys (
    friendly_name text PRIMARY KEY,
    xml text NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now()
);
