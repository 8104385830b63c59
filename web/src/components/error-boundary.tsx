import { Component, type ReactNode } from 'react';

/** Keeps the header and navigation when a page fails to render, and says what went wrong. */
export class ErrorBoundary extends Component<{ children: ReactNode; page: string }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidUpdate(prev: { page: string }) {
    if (prev.page !== this.props.page && this.state.error) this.setState({ error: null });
  }

  override render() {
    if (this.state.error)
      return (
        <div className="error" role="alert">
          This page failed to render: {this.state.error.message}. Other pages still work; reload to try again.
        </div>
      );
    return this.props.children;
  }
}
