export async function fcnSection() { return {}; }
