import { z } from "zod";

/**
 * Friendlier wording than zod's defaults for the two issues a person filling a form hits most.
 * The contract's own messages ("must be at least 8 characters") are kept. Form modules import this file.
 */
z.config({
  customError: (issue) => {
    if (issue.code === "too_small" && issue.origin === "string" && Number(issue.minimum) === 1) return "is required";
    if (issue.code === "invalid_type" && issue.input === undefined) return "is required";
    return undefined;
  },
});
