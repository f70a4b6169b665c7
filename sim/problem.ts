// DMS problem-details bodies (FailureResponse.cs): keys always in the order
// detail, type, title, status, correlationId, validationErrors, errors.

export const JSON_CONTENT = 'application/json; charset=utf-8';
export const PROBLEM_CONTENT = 'application/problem+json; charset=utf-8';

export type ValidationErrors = Record<string, string[]>;

export interface Problem {
  status: number;
  type: string;
  title: string;
  detail: string;
  validationErrors?: ValidationErrors;
  errors?: string[];
  /** DMS serves most 4xx as application/json; 401, 415, route 404s, 429 and 5xx as problem+json. */
  problemContentType?: boolean;
  /** The 401 authentication shape has no validationErrors member. */
  omitValidationErrors?: boolean;
  headers?: Record<string, string>;
}

export function problemBody(p: Problem, correlationId: string): string {
  const body: Record<string, unknown> = {
    detail: p.detail,
    type: p.type,
    title: p.title,
    status: p.status,
    correlationId,
  };
  if (!p.omitValidationErrors) body.validationErrors = p.validationErrors ?? {};
  body.errors = p.errors ?? [];
  return JSON.stringify(body);
}

const SEE_ERRORS = "The request could not be processed. See 'errors' for details.";
const SEE_VALIDATION = "Data validation failed. See 'validationErrors' for details.";

export const problems = {
  badRequest: (errors: string[]): Problem => ({
    status: 400,
    type: 'urn:ed-fi:api:bad-request',
    title: 'Bad Request',
    detail: SEE_ERRORS,
    errors,
  }),

  dataValidation: (validationErrors: ValidationErrors, errors: string[] = []): Problem => ({
    status: 400,
    type: 'urn:ed-fi:api:bad-request:data-validation-failed',
    title: 'Data Validation Failed',
    detail: SEE_VALIDATION,
    validationErrors,
    errors,
  }),

  /** Descriptor failures are plain bad-request with validationErrors (DescriptorReferenceValidation.feature). */
  descriptorNotFound: (validationErrors: ValidationErrors): Problem => ({
    status: 400,
    type: 'urn:ed-fi:api:bad-request',
    title: 'Bad Request',
    detail: SEE_VALIDATION,
    validationErrors,
  }),

  parameterValidation: (errors: string[]): Problem => ({
    status: 400,
    type: 'urn:ed-fi:api:bad-request:parameter-validation-failed',
    title: 'Parameter Validation Failed',
    detail: 'Parameters supplied to the request were invalid.',
    errors,
  }),

  keyChangeNotSupported: (resourceName: string): Problem => ({
    status: 400,
    type: 'urn:ed-fi:api:bad-request:data-validation-failed:key-change-not-supported',
    title: 'Key Change Not Supported',
    detail: `Identifying values for the ${resourceName} resource cannot be changed. Delete and recreate the resource item instead.`,
  }),

  unauthenticated: (error: string): Problem => ({
    status: 401,
    type: 'urn:ed-fi:api:security:authentication',
    title: 'Authentication Failed',
    detail: 'The caller could not be authenticated.',
    errors: [error],
    problemContentType: true,
    omitValidationErrors: true,
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
  }),

  forbidden: (error: string): Problem => ({
    status: 403,
    type: 'urn:ed-fi:api:security:authorization:',
    title: 'Authorization Denied',
    detail: 'Access to the resource could not be authorized.',
    errors: [error],
    problemContentType: true,
  }),

  /** Unknown routes (MapFallback). */
  routeNotFound: (): Problem => ({
    status: 404,
    type: 'urn:ed-fi:api:not-found',
    title: 'Not Found',
    detail: 'The specified data could not be found.',
    problemContentType: true,
  }),

  updateTargetNotFound: (): Problem => ({
    status: 404,
    type: 'urn:ed-fi:api:not-found',
    title: 'Not Found',
    detail: 'Resource to update was not found',
  }),

  /** ResolveDataStoreMiddleware.cs: the token has data store ids, none of them known (FailureResponse.ForRouteResolutionError). */
  routeResolution: (): Problem => ({
    status: 404,
    type: 'urn:ed-fi:api:route-resolution-error',
    title: 'Route Resolution Error',
    detail: 'No database instance found matching the request route qualifiers',
    errors: ['No database instance found matching the request route qualifiers'],
  }),

  /** ResolveDataStoreMiddleware.cs: a token without data store ids, on every data call (FailureResponse.ForAuthorizationDenied). */
  noDataStoreAuthorized: (): Problem => ({
    status: 403,
    type: 'urn:ed-fi:api:authorization-denied',
    title: 'Authorization Denied',
    detail: 'No database instances are authorized for this client',
    errors: ['No database instances are authorized for this client'],
  }),

  /** ValidateRouteSemanticsMiddleware.cs / MethodNotAllowedMiddleware.cs: application/json, with Allow. */
  methodNotAllowed: (error: string, allow: string): Problem => ({
    status: 405,
    type: 'urn:ed-fi:api:method-not-allowed',
    title: 'Method Not Allowed',
    detail: 'The request construction was invalid.',
    errors: [error],
    headers: { Allow: allow },
  }),

  unresolvedReference: (validationErrors: ValidationErrors): Problem => ({
    status: 409,
    type: 'urn:ed-fi:api:data-conflict:unresolved-reference',
    title: 'Unresolved Reference',
    detail: "One or more references could not be resolved. See 'validationErrors' for details.",
    validationErrors,
  }),

  dependentItemExists: (resourceNames: string[]): Problem => ({
    status: 409,
    type: 'urn:ed-fi:api:data-conflict:dependent-item-exists',
    title: 'Dependent Item Exists',
    detail: `The requested action cannot be performed because this item is referenced by existing ${resourceNames.join(', ')} item(s).`,
  }),

  identityConflict: (resourceName: string, keys: string): Problem => ({
    status: 409,
    type: 'urn:ed-fi:api:identity-conflict',
    title: 'Identifying Values Are Not Unique',
    detail: 'The identifying value(s) of the item are the same as another item that already exists.',
    errors: [
      `A natural key conflict occurred when attempting to create a new resource ${resourceName} with a duplicate key. The duplicate keys and values are (${keys})`,
    ],
  }),

  optimisticLockFailed: (): Problem => ({
    status: 412,
    type: 'urn:ed-fi:api:optimistic-lock-failed',
    title: 'Optimistic Lock Failed',
    detail: 'The item has been modified by another user.',
    errors: [
      "The resource item's etag value does not match what was specified in the 'If-Match' request header indicating that it has been modified by another client since it was last retrieved.",
    ],
  }),

  /** FailureResponse.ForETagMisMatch(TargetDoesNotExist): If-Match on a write that targets no document. */
  preconditionMissingResource: (): Problem => ({
    status: 412,
    type: 'urn:ed-fi:api:optimistic-lock-failed',
    title: 'Optimistic Lock Failed',
    detail: 'The If-Match precondition failed because the resource does not exist.',
    errors: [
      "The 'If-Match' request header requires a current representation of the resource, but none exists. Do not retry with If-Match; create the resource first, or omit If-Match.",
    ],
  }),

  /** FailureResponse.ForETagMisMatch(CurrentRepresentationMatchesIfNoneMatch): DMS 8.0 only. */
  ifNoneMatchFailed: (): Problem => ({
    status: 412,
    type: 'urn:ed-fi:api:precondition-failed:if-none-match',
    title: 'If-None-Match Precondition Failed',
    detail: 'The If-None-Match precondition failed because a current representation of the resource matched the request header.',
    errors: ["The 'If-None-Match' request header requires that no current representation match the supplied value, but a matching representation exists."],
  }),

  unsupportedMediaType: (): Problem => ({
    status: 415,
    type: 'urn:ed-fi:api:unsupported-media-type',
    title: 'Unsupported Media Type',
    detail: "The value specified in the 'Content-Type' header is not supported by this host.",
    problemContentType: true,
  }),

  /** The identity provider's 401 for bad client credentials (CMS Connect.feature). */
  badClientCredentials: (reason: string): Problem => ({
    status: 401,
    type: 'urn:ed-fi:api:security:authentication',
    title: 'Authentication Failed',
    detail: SEE_ERRORS,
    errors: [`${reason}. Invalid client or Invalid client credentials`],
    problemContentType: true,
  }),

  /** DMS 8.1's token cap (docs/changelog/8.1.0.md; the CMS body DMS's /oauth/token rebuilds): no Retry-After. */
  tooManyTokens: (cap: number): Problem => ({
    status: 429,
    type: 'urn:ed-fi:api:security:authentication:too-many-tokens',
    title: 'Too Many Tokens',
    detail: 'The caller has authenticated too many times in too short of a time period.',
    errors: [`Too many access tokens have been requested (limit is ${cap}). Access tokens should be reused until they expire.`],
    problemContentType: true,
  }),

  tooManyRequests: (retryAfterSeconds: number): Problem => ({
    status: 429,
    type: 'urn:ed-fi:api:too-many-requests',
    title: 'Too Many Requests',
    detail: 'The number of allowed requests has been exceeded. Retry the request later.',
    problemContentType: true,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  }),

  /** A plain 500 carries no Retry-After (CoreExceptionLoggingMiddleware.cs). */
  systemError: (): Problem => ({
    status: 500,
    type: 'urn:ed-fi:api:system',
    title: 'System Error',
    detail: 'An unexpected problem has occurred.',
    problemContentType: true,
  }),

  /** FailureResponse.ForServiceUnavailable; an open circuit breaker adds its whole break as Retry-After. */
  serviceUnavailable: (retryAfterSeconds = 1): Problem => ({
    status: 503,
    type: 'urn:ed-fi:api:service-unavailable',
    title: 'Service Unavailable',
    detail: 'The service is temporarily unable to handle the request. Retry the request later.',
    problemContentType: true,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  }),
};
