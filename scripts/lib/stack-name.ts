import { UsageError } from "./usage";

/** One part of a Pulumi stack name: letters, digits, `_`, `.` and `-` (Pulumi's own rule), not starting with `-`. */
const PART = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;
/** Long enough for any real stack name; a longer one is a mistake or an attack on a path. */
const MAX_LENGTH = 100;

/**
 * Checks a `--stack` value. A plain name (`dev`) names Pulumi.<stack>.yaml, so it can never be a path; with
 * `qualified`, the Pulumi CLI's `org/stack` and `org/project/stack` forms are accepted too (teardown, canary).
 */
export function checkStackName(text: string, o: { qualified: boolean }): string {
  const parts = text.split("/");
  const ok =
    text.length <= MAX_LENGTH &&
    parts.length <= (o.qualified ? 3 : 1) &&
    parts.every((p) => PART.test(p) && p !== "." && p !== "..");
  if (!ok) {
    const form = o.qualified ? "a stack name (dev, or org/project/dev)" : "a stack name (dev)";
    throw new UsageError(
      `--stack: ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text)} is not ${form}`,
      `use letters, digits, '_', '.' and '-' only (at most ${MAX_LENGTH} characters), e.g. --stack dev`,
    );
  }
  return text;
}
