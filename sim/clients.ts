// Configuration Service state: vendors, applications (their key/secret are DMS client credentials)
// and data stores. Kept across /_sim/reset, like a CMS database outliving a DMS data wipe.

import { randomInt, randomUUID } from 'node:crypto';

export interface Vendor {
  id: number;
  company: string;
  contactName: string;
  contactEmailAddress: string;
  namespacePrefixes: string;
}

export interface Application {
  id: number;
  applicationName: string;
  vendorId: number;
  claimSetName: string;
  educationOrganizationIds: number[];
  dataStoreIds: number[];
  profileIds: number[];
  enabled: boolean;
  key: string;
  secret: string;
}

export interface DataStore {
  id: number;
  dataStoreType: string;
  name: string;
  connectionString: string;
  dataStoreContexts: unknown[];
  dataStoreDerivatives: unknown[];
}

export type Authentication =
  | { ok: true; kind: 'admin'; clientId: string }
  | { ok: true; kind: 'client'; clientId: string; app: Application }
  | { ok: false; reason: 'invalid_client' | 'unauthorized_client' };

export class ClientRegistry {
  readonly vendors = new Map<number, Vendor>();
  readonly applications = new Map<number, Application>();
  readonly dataStores = new Map<number, DataStore>();
  private byKey = new Map<string, Application>();
  private nextVendorId = 1;
  private nextApplicationId = 1;
  private nextDataStoreId = 1;

  constructor(private readonly admin: { adminClientId: string; adminClientSecret: string }) {
    // DMS will not start without a data store, so one always exists.
    this.addDataStore({ dataStoreType: 'PostgreSQL', name: 'dms-sim', connectionString: 'host=dms-sim;database=in-memory;' });
  }

  authenticate(clientId: string, secret: string): Authentication {
    if (clientId === this.admin.adminClientId) {
      return secret === this.admin.adminClientSecret ? { ok: true, kind: 'admin', clientId } : { ok: false, reason: 'unauthorized_client' };
    }
    const app = this.byKey.get(clientId);
    if (!app || !app.enabled) return { ok: false, reason: 'invalid_client' };
    if (app.secret !== secret) return { ok: false, reason: 'unauthorized_client' };
    return { ok: true, kind: 'client', clientId, app };
  }

  /** The application whose key is this client id (undefined for the admin client and unknown keys). */
  applicationByKey(key: string): Application | undefined {
    return this.byKey.get(key);
  }

  vendorByCompany(company: string): Vendor | undefined {
    for (const v of this.vendors.values()) if (v.company === company) return v;
    return undefined;
  }

  addVendor(fields: Omit<Vendor, 'id'>): Vendor {
    const vendor = { id: this.nextVendorId++, ...fields };
    this.vendors.set(vendor.id, vendor);
    return vendor;
  }

  addDataStore(fields: Omit<DataStore, 'id' | 'dataStoreContexts' | 'dataStoreDerivatives'>): DataStore {
    const store = { id: this.nextDataStoreId++, ...fields, dataStoreContexts: [], dataStoreDerivatives: [] };
    this.dataStores.set(store.id, store);
    return store;
  }

  applicationNameTaken(vendorId: number, applicationName: string): boolean {
    for (const a of this.applications.values()) {
      if (a.vendorId === vendorId && a.applicationName.toLowerCase() === applicationName.toLowerCase()) return true;
    }
    return false;
  }

  addApplication(fields: Omit<Application, 'id' | 'key' | 'secret' | 'enabled'>): Application {
    const app: Application = { id: this.nextApplicationId++, ...fields, enabled: true, key: randomUUID(), secret: generateSecret() };
    this.applications.set(app.id, app);
    this.byKey.set(app.key, app);
    return app;
  }
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
// The CMS generator's specials minus the transport-unsafe + % = & and space.
const SPECIAL = '!@#$^*()-_[]{}:;,.?';
const ALL = LOWER + UPPER + DIGITS + SPECIAL;
export const SECRET_LENGTH = 32;

/** 32 characters with at least one lower, upper, digit and special, as the CMS generates them. */
export function generateSecret(): string {
  const chars = [LOWER, UPPER, DIGITS, SPECIAL].map((set) => set[randomInt(set.length)]);
  while (chars.length < SECRET_LENGTH) chars.push(ALL[randomInt(ALL.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
