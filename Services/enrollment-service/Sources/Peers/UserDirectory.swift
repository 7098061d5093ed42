import Foundation
import Shared

/// Learners' names from user-service (`GET /users/{id}` with this service's credentials), for a
/// certificate issued before any event told this service the name.
struct UserDirectory: Sendable {
    let peer: PeerClient

    private struct Profile: Decodable { let name: String }

    /// The user's name as their profile gives it.
    func name(of userId: UUID) async throws -> String {
        try await peer.get("/users/\(userId.lowercasedText)", as: Profile.self).name
    }
}
