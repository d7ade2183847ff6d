/**
 * The extractor's own codes (WDT's are in wdt-client). They name why a run did not commit or why
 * the extractor refuses to go on; the README says what a person does about each.
 */
export const EXTRACT_ERROR_CODES = {
  /** A one-second rank walk saw WDT's result change three times running; the run is planned again. */
  resultUnstable: 'EXTRACT_RESULT_UNSTABLE',
  /** The pages of a run did not prove every window read whole; the watermark stays. */
  coverageIncomplete: 'EXTRACT_COVERAGE_INCOMPLETE',
  /** The stored watermark lies in the future: nothing would ever be read. */
  watermarkInFuture: 'EXTRACT_WATERMARK_IN_FUTURE',
} as const;
