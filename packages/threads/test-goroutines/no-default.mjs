// A module with no default export.
export const value = 1;
