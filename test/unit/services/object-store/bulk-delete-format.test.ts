import { bulkFormat, renderBulkDelete } from '../../../../src/services/object-store/bulk-delete-format';
import { pyQuote } from '../../../../src/services/object-store/bulk-delete';

const result = {
  responseStatus: '400 Bad Request',
  responseBody: '',
  deleted: 2,
  notFound: 1,
  errors: [['/c/%C3%A9', '409 Conflict']] as Array<[string, string]>,
};

describe('bulk delete answers (swift/common/middleware/bulk.py get_response_body)', () => {
  it('json', () => {
    expect(renderBulkDelete('application/json', result)).toBe(
      '{"Response Status": "400 Bad Request", "Response Body": "", "Number Deleted": 2, "Number Not Found": 1, "Errors": [["/c/%C3%A9", "409 Conflict"]]}',
    );
  });

  it('plain', () => {
    expect(renderBulkDelete('text/plain', result)).toBe(
      'Number Deleted: 2\nNumber Not Found: 1\nResponse Body: \nResponse Status: 400 Bad Request\nErrors:\n/c/%C3%A9, 409 Conflict\n',
    );
  });

  it('xml', () => {
    expect(renderBulkDelete('application/xml', result)).toBe(
      '<delete>\n<number_deleted>2</number_deleted>\n<number_not_found>1</number_not_found>\n<response_body></response_body>\n' +
        '<response_status>400 Bad Request</response_status>\n<errors>\n' +
        '<object><name>/c/%C3%A9</name><status>409 Conflict</status></object>\n</errors>\n</delete>\n',
    );
  });

  it.each([
    [undefined, 'text/plain'],
    ['*/*', 'text/plain'],
    ['application/json', 'application/json'],
    ['text/xml', 'text/xml'],
    ['application/json;q=0.5, application/xml', 'application/xml'],
    ['image/png', undefined],
  ])('Accept %j → %s', (accept, expected) => {
    expect(bulkFormat(accept)).toBe(expected);
  });

  it('quotes names like Python quote(safe="/")', () => {
    expect(pyQuote('/c/a b(1)!é')).toBe('/c/a%20b%281%29%21%C3%A9');
  });
});
