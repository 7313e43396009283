/** Stands in for a secret's value wherever only its presence matters (validation, the offline plan). */
export const SECRET_PLACEHOLDER = "[secret]";
