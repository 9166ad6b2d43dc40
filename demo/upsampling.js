export async function upsamplingSection() {}
