/**
 * grpc-js status details as a person should read them: without the empty
 * "Last error: null." and trailing "Resolution note: " it appends to
 * connection failures ("No connection established. Last error: null.
 * Resolution note: " → "No connection established").
 */
export function tidyGrpcDetails(details: string): string {
  return details
    .replace(/\s*Resolution note:\s*$/, '')
    .replace(/\s*Last error: null\.?/, '')
    .replace(/\.\s*$/, '')
    .trim();
}
