// One error boundary per view: a bug while rendering one file's view shows an error panel for that view
// only; the rest of the app keeps working.
import { Component, type ReactNode } from 'react';
import { ErrorPanel } from './ErrorPanel';

interface Props {
  title: string;
  children: ReactNode;
}
interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override render() {
    if (this.state.error) {
      return (
        <ErrorPanel title={this.props.title} message={this.state.error.message}>
          <button type="button" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
        </ErrorPanel>
      );
    }
    return this.props.children;
  }
}
