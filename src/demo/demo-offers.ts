// What each demo provider sells on the exchange (docs/exchange.md): the second provider is cheaper for volumes,
// dearer for servers, so `cheapest` placement has something to decide.

/** The `offer` config block (snake_case, as in a config file) of the demo's i-th provider. */
export function demoOffer(name: string, index: number): Record<string, unknown> {
  const home = index === 0;
  return {
    display_name: home ? 'Home Cloud' : `${name} cloud`,
    description: home ? 'The home cloud: identity and general purpose compute.' : `Block storage specialist ${name}.`,
    url: home ? 'https://home.example/offer' : `https://${name}.example/offer`,
    currency: 'EUR',
    prices: {
      volume_gib_month: home ? 0.1 : 0.04 + index * 0.01,
      object_gib_month: home ? 0.02 : 0.03,
      image_gib_month: 0.05,
      flavor_hour: home
        ? { 'm1.tiny': 0.01, 'm1.small': 0.02, 'm1.medium': 0.04, 'm1.nano': 0.005, 'm1.micro': 0.007 }
        : { 'm1.tiny': 0.012, 'm1.small': 0.025, 'm1.medium': 0.05, 'm1.nano': 0.006, 'm1.micro': 0.008 },
    },
    sla: home
      ? { availability: 99.9, support: 'Business hours, 4 h response' }
      : { availability: 99.5, support: 'Email support, next business day' },
  };
}
