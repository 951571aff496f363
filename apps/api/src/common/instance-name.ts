/** The instance's name: `title` in `/api/v1|v2/instance`, and the heading of its own pages. */
export const INSTANCE_NAME = 'FediFlow';
