// Product events a page action knows about better than the browser (an app created, then a
// redirect): the same allowlist and the same choice per person as the browser's forwarder.

import { getViewer } from "../auth/viewer.server.ts"
import type { WebServices } from "../services.server.ts"
import { productEventRequest } from "./analytics-request.server.ts"
import { productAnalytics } from "./product-analytics.server.ts"
import type { ProductEvent, ProductEventProperties } from "./product-events.ts"

export async function captureForRequest<E extends ProductEvent>(
  args: { readonly request: Request; readonly context: { readonly services: WebServices } },
  event: E,
  properties: ProductEventProperties<E>,
): Promise<void> {
  const analytics = productAnalytics(args.context.services)
  if (!analytics.configured) return
  const viewer = await getViewer(args.request, args.context.services)
  if (viewer) analytics.capture(viewer.user, productEventRequest(event, properties))
}
