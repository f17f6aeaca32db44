import type { Generated } from "kysely";

/** Row types as stored: snake_case columns, booleans as 0/1 integers, timestamps as ISO-8601 strings. */

export interface UsersTable {
  id: string;
  username: string;
  /** Lower-cased username: uniqueness is case-insensitive on every engine (MySQL collations are). */
  username_key: string;
  display_name: string;
  email: string | null;
  phone: string | null;
  level: number;
  activated: number;
  password_hash: string | null;
  created_at: string;
  updated_at: string;
  /** Argon2id hash of the PIN for phone-service login (0005). */
  pin_hash: string | null;
}

/** One row per login: the refresh-token family, and the row of the admin's token table. */
export interface AuthSessionsTable {
  id: string;
  user_id: string;
  kind: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface RefreshTokensTable {
  /** SHA-256 of the opaque token (hex); the token itself is never stored. */
  token_hash: string;
  session_id: string;
  created_at: string;
  expires_at: string;
  /** Set when rotated; presenting a rotated token again revokes the session (reuse detection). */
  rotated_at: string | null;
}

export interface LoginAttemptsTable {
  id: string;
  username_key: string;
  ip: string;
  succeeded: number;
  at: string;
  /** 0012: the sign-in log (name as typed, User-Agent, result such as ok / bad_password / rate_limited). */
  username: string | null;
  user_agent: string | null;
  result: string | null;
  method: string | null;
}

/** A WebAuthn credential of a console user (0012): only the public key is stored. */
export interface PasskeysTable {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  counter: number | string;
  transports: string | null;
  name: string;
  created_at: string;
  last_used_at: string | null;
  ip: string | null;
  user_agent: string | null;
}

/** A single-use WebAuthn challenge (0012): deleted when used, so every server can check it once. */
export interface WebauthnChallengesTable {
  challenge: string;
  kind: string;
  user_id: string | null;
  expires_at: string;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface ComponentStatusTable {
  name: string;
  status: string;
  last_error: string | null;
  checked_at: string;
}

export interface ExtensionsTable {
  id: string;
  number: string;
  technology: string;
  display_name: string;
  user_id: string | null;
  context: string;
  /** AES-256-GCM ciphertext (phone configs need the secret back); see lib/secret-box.ts. */
  secret_encrypted: string;
  ha1_md5: string;
  ha1_sha256: string;
  voicemail: string | null;
  codecs: string | null;
  /** No longer written: chan_sip protocols and the PJSIP transport section live in `options.transport` (0009). */
  transport: string | null;
  options: string | null;
  created_at: string;
  updated_at: string;
}

export interface PhonesTable {
  id: string;
  /** 12 uppercase hex digits, no separators (the spelling in SEP<MAC>.cnf.xml). */
  mac: string;
  brand: string;
  model: string;
  software_type: string | null;
  ip: string | null;
  location: string | null;
  label: string | null;
  user_id: string | null;
  current_profile_id: string | null;
  /** This phone's `loadInformation`; null = its model's (0009). */
  firmware_load: string | null;
  /** Zero-touch provisioning (0013): 0 = /provision answers 404. */
  enabled: Generated<number>;
  sip_username: string | null;
  sip_password_sealed: string | null;
  /** host:port; null = [asterisk] host. */
  sip_server: string | null;
  sip_transport: string | null;
  /** JSON object of extra file keys for this device. */
  extra_keys: string | null;
  provisioned_at: string | null;
  provisioned_ip: string | null;
  provisioned_user_agent: string | null;
  created_at: string;
  updated_at: string;
}

/** A user logged in to the XML services of one phone (keyed by the phone's MAC). */
export interface PhoneSessionsTable {
  mac: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

/** Key expansion modules of a phone, by position 1..3 from the left; `model` is Cisco's identifier. */
export interface PhoneKemsTable {
  phone_id: string;
  position: number;
  model: string;
}

/** Which extension sits on which line button of a phone (optional; else the profile owner's extensions). */
export interface PhoneLinesTable {
  phone_id: string;
  button: number;
  extension_id: string;
}

export interface ProfilesTable {
  id: string;
  name: string;
  description: string | null;
  user_id: string | null;
  cnf_xml: string;
  /** JSON array of model strings. */
  compatible_models: string;
  software_type: string | null;
  created_at: string;
  updated_at: string;
}

export interface DeploymentBatchesTable {
  id: string;
  profile_id: string;
  profile_name: string;
  total: number;
  created_at: string;
  finished_at: string | null;
  /** running | finished | failed (0006). */
  status: Generated<string>;
  detail: string | null;
}

export interface DeploymentsTable {
  id: string;
  kind: string;
  batch_id: string | null;
  profile_id: string | null;
  profile_name: string | null;
  phone_id: string | null;
  phone_mac: string;
  previous_profile_id: string | null;
  status: string;
  failed_step: string | null;
  detail: string | null;
  /** JSON array of steps {name, status, detail, startedAt, finishedAt}. */
  steps: string;
  started_at: string;
  finished_at: string | null;
  /** The pipeline step a running deploy is in (0006): where an abandoned one failed. */
  current_step?: string | null;
}

/** Outbox of changes to apply to Asterisk (realtime tables or config files), in id order. */
export interface AsteriskChangesTable {
  id: Generated<number>;
  extension_id: string;
  extension_number: string;
  previous_number: string | null;
  /** Comma-separated technologies to (re)write or remove, e.g. "PJSIP" or "SIP,PJSIP". */
  technologies: string;
  operation: string;
  mode: string;
  status: string;
  attempts: number;
  last_error: string | null;
  /** The server applying it, and until when (0007: a lease, see jobs/lease-table.ts). */
  lease_owner: string | null;
  lease_until: string | null;
  /** A failed change is retried no sooner than this (0007). */
  run_after?: string | null;
  created_at: string;
  applied_at: string | null;
}

/** A failure of background work, shown on the dashboard (0011). */
export interface BackgroundFailuresTable {
  id: Generated<number>;
  /** What failed: asterisk_sync, bulk_deploy, component_status, … */
  source: string;
  /** Which thing it was working on (a batch id, "outbox", a component name). */
  subject: string;
  error: string;
  created_at: string;
}

/** Work that must outlive the server that started it: deploys, mail, SMS (0007). */
export interface JobsTable {
  id: string;
  kind: string;
  subject: string | null;
  /** JSON. */
  payload: string;
  /** pending (waiting, or leased while it runs) | succeeded | failed. */
  status: string;
  attempts: number;
  max_attempts: number;
  run_after: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

/** One throttle key's window and the attempts counted in it (0007). */
export interface ThrottleCountersTable {
  key: string;
  hits: number;
  window_end: string;
}

export interface Database {
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  refresh_tokens: RefreshTokensTable;
  login_attempts: LoginAttemptsTable;
  settings: SettingsTable;
  component_status: ComponentStatusTable;
  extensions: ExtensionsTable;
  phones: PhonesTable;
  phone_sessions: PhoneSessionsTable;
  phone_kems: PhoneKemsTable;
  phone_lines: PhoneLinesTable;
  profiles: ProfilesTable;
  deployment_batches: DeploymentBatchesTable;
  deployments: DeploymentsTable;
  asterisk_changes: AsteriskChangesTable;
  background_failures: BackgroundFailuresTable;
  contacts: ContactsTable;
  contact_numbers: ContactNumbersTable;
  phone_services: PhoneServicesTable;
  phone_service_assignments: PhoneServiceAssignmentsTable;
  phone_login_attempts: PhoneLoginAttemptsTable;
  jobs: JobsTable;
  throttle_counters: ThrottleCountersTable;
  firmware_loads: FirmwareLoadsTable;
  published_files: PublishedFilesTable;
  published_file_backups: PublishedFileBackupsTable;
  uploaded_files: UploadedFilesTable;
  account_credentials: AccountCredentialsTable;
  account_tokens: AccountTokensTable;
  account_sessions: AccountSessionsTable;
  username_tombstones: UsernameTombstonesTable;
  api_keys: ApiKeysTable;
  passkeys: PasskeysTable;
  webauthn_challenges: WebauthnChallengesTable;
}

/** A phone's live config file when Cisisk is its file server (0015); content is base64. */
export interface PublishedFilesTable {
  file_name: string;
  content: string;
  size: number;
  updated_at: string;
}

/** Versions a deploy replaced, newest name last (`<timestamp>-<random>.cnf.xml`) (0015). */
export interface PublishedFileBackupsTable {
  file_name: string;
  backup_name: string;
  content: string;
  size: number;
  created_at: string;
}

/** Files an administrator uploaded; the bytes live on disk under the data directory (0015). */
export interface UploadedFilesTable {
  name: string;
  size: number | string;
  sha256: string;
  uploaded_at: string;
}

/** SIP accounts (0014): the digests of an account's SIP password, and the sealed password phone configs need. */
export interface AccountCredentialsTable {
  user_id: string;
  ha1_md5: string;
  /** Only when the user asked for SHA-256. */
  ha1_sha256: string | null;
  secret_sealed: string;
  updated_at: string;
}

/** Single-use links and PINs of self-service (confirm, email change, recovery, phone PIN, provisioning). */
export interface AccountTokensTable {
  id: string;
  user_id: string;
  purpose: string;
  /** SHA-256 of the link token, or an HMAC of the PIN; never the secret itself. */
  secret_hash: string;
  target: string | null;
  attempts: Generated<number>;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface AccountSessionsTable {
  id: string;
  user_id: string;
  refresh_hash: string;
  /** The token the last rotation replaced (0016): seen again, it is reuse. */
  previous_refresh_hash: Generated<string | null>;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** Usernames of deleted accounts: never registered again. */
export interface UsernameTombstonesTable {
  username_key: string;
  deleted_at: string;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  key_prefix: string;
  /** JSON array of CIDR ranges; empty = any address. */
  allowed_networks: string;
  expires_at: string | null;
  last_used_at: string | null;
  created_at: string;
}

/** A directory entry: corporate when owner_user_id is null, else personal to that user (0005). */
export interface ContactsTable {
  id: string;
  owner_user_id: string | null;
  first_name: string;
  last_name: string;
  /** Lower-cased names: prefix search is an indexed range/LIKE on every engine. */
  first_name_key: string;
  last_name_key: string;
  email: string | null;
  department: string | null;
  department_key: string | null;
  location: string | null;
  building: string | null;
  ringtone: string | null;
  created_at: string;
  updated_at: string;
}

/** One row per number; owner and name keys are copies of the contact's, for one-index phone searches. */
export interface ContactNumbersTable {
  contact_id: string;
  kind: string;
  rank: number;
  display: string;
  dial: string;
  /** Keypad search (0009): `dial` without `+` (or "00"), and an international number's national part. */
  digits: string | null;
  national: string | null;
  owner_user_id: string | null;
  first_name_key: string;
  last_name_key: string;
}

/** The `loadInformation` each model's phones get (0009). */
export interface FirmwareLoadsTable {
  model: string;
  load_name: string;
  updated_at: string;
}

export interface PhoneServicesTable {
  id: string;
  name: string;
  name_key: string;
  url: string;
  description: string | null;
  enabled: number;
  requires_login: number;
  kind: string;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface PhoneServiceAssignmentsTable {
  service_id: string;
  target_type: string;
  target_id: string;
}

export interface PhoneLoginAttemptsTable {
  id: string;
  mac: string;
  succeeded: number;
  at: string;
}
