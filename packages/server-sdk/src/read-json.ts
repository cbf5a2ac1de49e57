/** The body as JSON, or undefined when it is not JSON (the schema check then reports an unexpected body). */
export async function readJson(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}
