// Filled in by the examples issue.
export {};
