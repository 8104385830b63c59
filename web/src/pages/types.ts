import type { Me } from '../lib/api-types.js';
import type { Route } from '../lib/route.js';

export interface PageProps {
  route: Route;
  go: (r: Partial<Route>, replace?: boolean) => void;
  me: Me;
}
