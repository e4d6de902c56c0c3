import { requireServiceToken } from "@diana/core/service";

/**
 * Who may change a namespace's schema. For now the service token; the identity issue swaps in the
 * `admin` role here, and only here.
 */
export const schemaAdminGuard = (serviceToken: string) => requireServiceToken(serviceToken);

/** Who may publish, roll back and report applied versions: holders of the service token. */
export const writerGuard = (serviceToken: string) => requireServiceToken(serviceToken);
