export interface RenderedError {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}
