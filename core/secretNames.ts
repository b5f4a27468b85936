/**
 * What marks a value as a secret by its name or shape. The contract refuses such values in
 * plain text and the policy pack refuses them in the plan: one rule, so the two cannot drift.
 */

/** Variable names that only ever hold secrets (matched case-insensitively). */
export const SECRET_NAME = /(PASSWORD|PASSWD|_PASS$|SECRET|TOKEN|PRIVATE_KEY|API_KEY|_KEY$|CREDENTIALS?$)/i;

/** `scheme://user:password@host` with a password part; group 1 is the password. */
export const INLINE_CREDENTIAL = /^[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:([^\s/@]+)@/i;
