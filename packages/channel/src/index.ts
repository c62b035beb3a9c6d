// placeholder until the channel lands
export {};
