/**
 * The methods each documented path takes, from the OpenAPI document's `paths`: a request that
 * matches a path under another method (a PATCH where the route takes PUT) is told which ones it
 * takes, instead of only "No such route".
 */
export class RouteMethods {
  private readonly routes: { template: string; pattern: RegExp; methods: string[] }[];

  constructor(paths: Record<string, object>) {
    this.routes = Object.entries(paths).map(([template, operations]) => ({
      template,
      pattern: new RegExp(
        `^${template
          .split(/\{[^}]+\}/)
          .map(escapeRegExp)
          .join('[^/]+')}/?$`,
      ),
      methods: Object.keys(operations)
        .filter((key) => HTTP_METHODS.has(key))
        .map((method) => method.toUpperCase()),
    }));
  }

  /** The documented route at this path and its methods, when the path is one and the method is not among them. */
  otherMethods(method: string, path: string): { template: string; methods: string[] } | undefined {
    const upper = method.toUpperCase();
    // HEAD is answered wherever GET is
    const asked = upper === 'HEAD' ? 'GET' : upper;
    const route = this.routes.find((r) => r.pattern.test(path));
    if (!route || route.methods.length === 0 || route.methods.includes(asked)) return undefined;
    return { template: route.template, methods: route.methods };
  }
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
