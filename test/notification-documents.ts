import { graphql } from './gql/index.js';
import type { TestServer } from './harness.js';
import type { CreateAlertReceiverInput, CreateAlertRouteInput } from './gql/graphql.js';

export const CreateReceiver = graphql(`
  mutation NotifyCreateReceiver($input: CreateAlertReceiverInput!) {
    createAlertReceiver(input: $input) { id name kind url hasSecret timeoutMs namespace }
  }
`);
export const UpdateReceiver = graphql(`
  mutation NotifyUpdateReceiver($id: ID!, $input: UpdateAlertReceiverInput!) {
    updateAlertReceiver(id: $id, input: $input) { id name url hasSecret timeoutMs }
  }
`);
export const DeleteReceiver = graphql(`mutation NotifyDeleteReceiver($id: ID!) { deleteAlertReceiver(id: $id) { id } }`);
export const Receivers = graphql(`query NotifyReceivers { alertReceivers { id name kind url hasSecret namespace } }`);
export const CreateRoute = graphql(`
  mutation NotifyCreateRoute($input: CreateAlertRouteInput!) {
    createAlertRoute(input: $input) {
      id namespaces groupBy groupWaitMs groupIntervalMs repeatIntervalMs sendResolved continue position
      receiver { id name } matchers { label operator value }
    }
  }
`);
export const UpdateRoute = graphql(`
  mutation NotifyUpdateRoute($id: ID!, $input: UpdateAlertRouteInput!) { updateAlertRoute(id: $id, input: $input) { id groupWaitMs position } }
`);
export const DeleteRoute = graphql(`mutation NotifyDeleteRoute($id: ID!) { deleteAlertRoute(id: $id) { id } }`);
export const Routes = graphql(`query NotifyRoutes { alertRoutes { id namespaces position receiver { id } } }`);
export const CreateSilence = graphql(`
  mutation NotifyCreateSilence($input: CreateSilenceInput!) {
    createSilence(input: $input) { id state startsAt endsAt comment createdBy namespaces matchers { label operator value } }
  }
`);
export const ExpireSilence = graphql(`mutation NotifyExpireSilence($id: ID!) { expireSilence(id: $id) { id state endsAt } }`);
export const Silences = graphql(`
  query NotifySilences($state: [SilenceState!], $first: Int, $after: String) {
    silences(state: $state, first: $first, after: $after) { edges { cursor node { id state namespaces } } pageInfo { hasNextPage endCursor } }
  }
`);
export const Deliveries = graphql(`
  query NotifyDeliveries($filter: AlertDeliveryFilter, $first: Int) {
    alertDeliveries(filter: $filter, first: $first) {
      edges {
        node {
          id idempotencyKey status attempts lastStatusCode lastError nextAttemptAt createdAt deliveredAt firingCount resolvedCount groupKey
          receiver { name kind }
          alerts { id rule namespace status }
        }
      }
    }
  }
`);
export const NotifiedAlerts = graphql(`
  query NotifyAlerts($status: [AlertStatus!]) {
    alerts(status: $status, first: 100) {
      edges { node { id rule namespace status silenced silencedBy { id } deliveries(first: 10) { idempotencyKey status firingCount resolvedCount } } }
    }
  }
`);
export const AlertRules = graphql(`
  query NotifyAlertRules($status: [AlertStatus!]) { alerts(status: $status, first: 500) { edges { node { id rule namespace status } } } }
`);

/** A receiver and a route sending it the alerts of one namespace, at once (groupWait 0). */
export async function routeTo(server: TestServer, receiver: Partial<CreateAlertReceiverInput> & { url: string }, route: Partial<CreateAlertRouteInput> & { namespace: string }) {
  const { namespace, ...routeInput } = route;
  const { createAlertReceiver } = await server.data(CreateReceiver, {
    input: { name: `hook-${namespace}`, kind: 'WEBHOOK', ...receiver },
  });
  const { createAlertRoute } = await server.data(CreateRoute, {
    input: {
      receiverId: createAlertReceiver.id,
      matchers: [{ label: 'NAMESPACE', operator: 'EQUAL', value: namespace }],
      groupWaitMs: 0,
      groupIntervalMs: 1_000,
      repeatIntervalMs: 3_600_000,
      ...routeInput,
    },
  });
  return { receiver: createAlertReceiver, route: createAlertRoute };
}
