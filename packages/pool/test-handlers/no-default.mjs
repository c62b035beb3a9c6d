// A handler module that forgot its default export.
export const handler = () => 1;
